// esbuild loads .css as text (esbuild.mjs: loader '.css': 'text'); panels inject it with a nonce.
declare module '*.css' {
  const text: string;
  export default text;
}
