# SPDX-License-Identifier: ISC
# fault.mk: make rules of this folder, included by the top Makefile.
