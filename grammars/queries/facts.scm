; Facts of one C file, read by src/index/extract.ts in one pass over the captures (which come
; in document order). Names follow tree-sitter's tags conventions where one applies.

; Function definitions: the name is found in the declarator by the extractor, because kernel
; declarators nest (pointer returns, SYSCALL_DEFINEn's parenthesised name).
(function_definition) @definition.function

; #define NAME value / #define NAME(params) value
(preproc_def name: (identifier)) @definition.macro
(preproc_function_def name: (identifier)) @definition.macro

; struct/union tags with a body; anonymous ones named by an enclosing typedef.
(struct_specifier name: (type_identifier) body: (field_declaration_list)) @definition.struct
(union_specifier name: (type_identifier) body: (field_declaration_list)) @definition.struct
(type_definition
  type: [(struct_specifier !name body: (field_declaration_list)) (union_specifier !name body: (field_declaration_list))]
  declarator: (type_identifier)) @definition.typedef_struct

; Declarations, for the types of parameters, locals and globals (struct tag resolution) and
; for ops tables (designated initialisers).
(parameter_declaration) @declaration.param
(declaration) @declaration.var

; Every call; the extractor tells direct, INDIRECT_CALL_n and function-pointer member calls apart.
(call_expression) @reference.call

; Field accesses; writes are told from their parents. A field whose address is taken
; (`&sk->sk_lock`) counts as written, since whoever gets the pointer may store through it; the
; extractor turns it back into a read when the address goes to an accessor known to only read
; (`atomic_read(&sk->sk_rmem_alloc)`; accessRule in src/index/extract.ts).
(field_expression) @reference.field
(assignment_expression left: (field_expression) @write)
(update_expression argument: (field_expression) @write)
(pointer_expression operator: "&" argument: (field_expression) @write)

; Identifiers used as values (callbacks, ops members, function pointers).
(initializer_pair value: (identifier) @reference.value)
(argument_list (identifier) @reference.value)
(assignment_expression right: (identifier) @reference.value)
(init_declarator value: (identifier) @reference.value)
(return_statement (identifier) @reference.value)

; Regions tree-sitter could not parse (reported in FileFacts.problems).
(ERROR) @error
