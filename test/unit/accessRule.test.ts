// accessRule: which arguments of a kernel accessor are written, by the accessor's name; and
// INDIRECT_CALL_INET as an indirect call rather than a call to the macro.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { accessRule } from '../../src/index/extract';
import { extractFacts } from '../../src/index/pipeline';
import { createParser } from '../../src/parse/treeSitter';

const writes = (name: string): readonly number[] | null => accessRule(name)?.writes ?? null;

describe('accessRule', () => {
  it('reads: atomic, refcount and bit tests, queue and list queries', () => {
    for (const name of [
      'atomic_read',
      'atomic64_read',
      'atomic_long_read',
      'atomic_read_acquire',
      'refcount_read',
      'test_bit',
      'skb_queue_len',
      'list_empty',
      'lockdep_is_held',
      'smp_load_acquire',
    ])
      assert.deepEqual(writes(name), [], name);
  });

  it('operand-first operations write their second argument', () => {
    for (const name of [
      'atomic_add',
      'atomic_sub',
      'atomic_long_sub',
      'atomic64_add',
      'atomic_add_return',
      'atomic_sub_and_test',
      'atomic_fetch_add',
      'atomic_andnot',
      'refcount_add',
      'refcount_sub_and_test',
      'refcount_add_not_zero',
      'set_bit',
      'clear_bit',
      '__set_bit',
      'test_and_set_bit',
      'clear_bit_unlock',
    ])
      assert.deepEqual(writes(name), [1], name);
  });

  it('counter-first operations write their first argument', () => {
    for (const name of [
      'atomic_set',
      'atomic_inc',
      'atomic_dec',
      'atomic_inc_return',
      'atomic_dec_and_test',
      'atomic_xchg',
      'atomic_cmpxchg',
      'atomic_add_unless',
      'atomic_fetch_add_unless',
      'atomic_long_set',
      'refcount_set',
      'refcount_inc',
      'refcount_dec_and_test',
      'refcount_inc_not_zero',
      'memset',
      'memcpy',
      'smp_store_release',
    ])
      assert.deepEqual(writes(name), [0], name);
    assert.deepEqual(writes('atomic_try_cmpxchg'), [0, 1]);
  });

  it('WRITE_ONCE writes an lvalue, the atomics write through a pointer', () => {
    assert.equal(accessRule('WRITE_ONCE')?.lvalue, true);
    assert.notEqual(accessRule('atomic_set')?.lvalue, true);
  });

  it('unknown functions, lock-taking and non-operation names stay unknown', () => {
    for (const name of [
      'skb_queue_tail',
      'spin_lock_bh',
      'refcount_dec_and_lock',
      'atomic_dec_and_mutex_lock',
      'atomic_notifier_call_chain',
      'constructor',
      'toString',
    ])
      assert.equal(accessRule(name), null, name);
  });
});

describe('INDIRECT_CALL_INET', () => {
  it('records the candidates and the ops call, not a call to the macro', async () => {
    const parser = await createParser();
    const path = join(__dirname, '..', 'fixtures', 'indirect_call_inet.c');
    const facts = extractFacts('indirect_call_inet.c', readFileSync(path, 'utf8'), parser);
    const send = facts.calls.filter((c) => c.caller === 'example_sock_sendmsg');
    assert.deepEqual(send.map((c) => `${c.via.kind} ${c.callee}`).sort(), [
      'direct msg_data_left',
      'indirect example_inet6_sendmsg',
      'indirect example_inet_sendmsg',
      'ops sendmsg',
    ]);
    assert.ok(!facts.calls.some((c) => c.callee.startsWith('INDIRECT_CALL')));
    assert.ok(!facts.refs.some((r) => r.name.startsWith('example_inet')));
  });
});
