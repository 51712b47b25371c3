package io.slipway.osimage.ext4;

/** The ext4 feature flags that {@link Ext4Formatter} sets, as the superblock stores them. */
final class Ext4Features {

  /** has_journal (0x4), ext_attr (0x8), dir_index (0x20). */
  static final int COMPAT = 0x4 | 0x8 | 0x20;

  /** filetype (0x2), extents (0x40). */
  static final int INCOMPAT = 0x2 | 0x40;

  /**
   * sparse_super (0x1), large_file (0x2), huge_file (0x8), dir_nlink (0x20), extra_isize (0x40).
   */
  static final int RO_COMPAT = 0x1 | 0x2 | 0x8 | 0x20 | 0x40;

  private Ext4Features() {}
}
