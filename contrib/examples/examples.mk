# SPDX-License-Identifier: ISC
# examples.mk: make rules of this folder, included by the top Makefile.
