#!/usr/bin/env python3
"""Runs a command with io_uring_setup(2) failing with EPERM, as under Docker's default seccomp
profile or a kernel with io_uring disabled:

    python3 deny_io_uring.py COMMAND [ARGS...]

Installs a seccomp filter (seccomp(2), SECCOMP_MODE_FILTER with a classic BPF program) on
itself and then execs COMMAND, which inherits it: same process id, so signals reach it as if it
were started directly. x86-64 only (the test that uses it checks).
"""

import ctypes
import errno
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
NR_IO_URING_SETUP = 425
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
# Classic BPF opcodes (linux/filter.h).
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_RET_K = 0x06
# struct seccomp_data: int nr at offset 0, __u32 arch at offset 4.
PROGRAM = [
    (BPF_LD_W_ABS, 0, 0, 4),
    (BPF_JEQ_K, 0, 3, AUDIT_ARCH_X86_64),  # another architecture: allow everything
    (BPF_LD_W_ABS, 0, 0, 0),
    (BPF_JEQ_K, 0, 1, NR_IO_URING_SETUP),
    (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
    (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def deny_io_uring():
    libc = ctypes.CDLL(None, use_errno=True)
    code = b"".join(struct.pack("=HBBI", *insn) for insn in PROGRAM)
    program = SockFprog(len(PROGRAM), code)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


if __name__ == "__main__":
    deny_io_uring()
    os.execv(sys.argv[1], sys.argv[1:])
