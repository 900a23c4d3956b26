/* SPDX-License-Identifier: MIT */
/*
 * SKLens sample: the INDIRECT_CALL_n idiom. With retpolines the kernel compares a function
 * pointer against its likely targets and calls the match directly; an indexer must record
 * an edge to every listed candidate (include/linux/indirect_call_wrapper.h).
 */
#ifndef _SAMPLE_INDIRECT_CALL_WRAPPER_H
#define _SAMPLE_INDIRECT_CALL_WRAPPER_H

#define likely(x) __builtin_expect(!!(x), 1)

#define INDIRECT_CALL_1(fp, cand1, ...)					\
	({								\
		likely(fp == cand1) ? cand1(__VA_ARGS__) : fp(__VA_ARGS__); \
	})

#define INDIRECT_CALL_2(fp, cand2, cand1, ...)				\
	({								\
		likely(fp == cand2) ? cand2(__VA_ARGS__) :		\
			INDIRECT_CALL_1(fp, cand1, __VA_ARGS__);	\
	})

#define INDIRECT_CALLABLE_SCOPE
#define INDIRECT_CALLABLE_DECLARE(f) f

#endif /* _SAMPLE_INDIRECT_CALL_WRAPPER_H */
