# SPDX-License-Identifier: ISC
# bench.mk: make rules of this folder, included by the top Makefile.
