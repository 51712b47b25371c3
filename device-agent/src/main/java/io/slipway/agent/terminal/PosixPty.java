package io.slipway.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The C library's pseudo-terminal calls, through JNA. The constants are the values of Linux on x86,
 * x86-64, ARM and AArch64 (asm-generic). Other architectures such as MIPS, PowerPC and SPARC use
 * other values, so they are not supported.
 */
interface PosixPty extends Library {

  /** {@code O_RDWR}. */
  int O_RDWR = 2;

  /** {@code O_NOCTTY}: opening the master does not make it the agent's controlling terminal. */
  int O_NOCTTY = 0x100;

  /** {@code TIOCSWINSZ}, the ioctl request that sets a terminal's size. */
  long TIOCSWINSZ = 0x5414;

  /** {@code EINTR}. */
  int EINTR = 4;

  /** {@code EIO}, which a master returns once no process has the slave open. */
  int EIO = 5;

  /** Loads the C library; throws {@link UnsatisfiedLinkError} where it has no such calls. */
  static PosixPty load() {
    return Native.load("c", PosixPty.class);
  }

  int posix_openpt(int flags) throws LastErrorException;

  int grantpt(int fd) throws LastErrorException;

  int unlockpt(int fd) throws LastErrorException;

  String ptsname(int fd) throws LastErrorException;

  /** {@code ioctl(fd, TIOCSWINSZ, struct winsize *)}; the array contains rows, cols, 0, 0. */
  int ioctl(int fd, NativeLong request, short[] winsize) throws LastErrorException;

  NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

  NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

  int close(int fd) throws LastErrorException;
}
