# SPDX-License-Identifier: ISC
# fuzz.mk: make rules of this folder, included by the top Makefile.
