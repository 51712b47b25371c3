package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarEncoderTest {

  @TempDir Path temp;

  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void upgradedRootFilesystemIsRebuiltExactly() throws Exception {
    Path root = temp.resolve("root");
    RootFilesystems.makeBase(root);
    Path base = RootFilesystems.tar(root, temp.resolve("base.tar"), "2024-01-01", false);
    RootFilesystems.upgrade(root);
    Path target = RootFilesystems.tar(root, temp.resolve("target.tar"), "2025-01-01", true);

    OperationReplay replay = encode(base, target);

    assertThat(replay.bytes()).isEqualTo(Files.readAllBytes(target));
    assertThat(replay.bsdiffs + replay.zstdPatches).isGreaterThan(0);
  }

  @Test
  void changedTimestampsCostNoLiteralContent() throws Exception {
    Path root = temp.resolve("root");
    RootFilesystems.makeBase(root);
    Path base = RootFilesystems.tar(root, temp.resolve("base.tar"), "2024-01-01", false);
    Path target = RootFilesystems.tar(root, temp.resolve("target.tar"), "2025-01-01", false);

    OperationReplay replay = encode(base, target);

    assertThat(replay.bytes()).isEqualTo(Files.readAllBytes(target));
    assertThat(replay.literalBytes).isLessThan(Files.size(target) / 100);
  }

  @Test
  void identicalArchiveIsOneCopy() throws Exception {
    Path root = temp.resolve("root");
    RootFilesystems.makeBase(root);
    Path base = RootFilesystems.tar(root, temp.resolve("base.tar"), "2024-01-01", false);

    OperationReplay replay = encode(base, base);

    assertThat(replay.bytes()).isEqualTo(Files.readAllBytes(base));
    assertThat(replay.copies).isEqualTo(1);
  }

  @Test
  void largeChangedFileIsPatchedInChunks() throws Exception {
    Random random = new Random(11);
    byte[] large = new byte[TarEncoder.LARGE_MEMBER + 5_000_000];
    random.nextBytes(large);
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.write(root.resolve("large.bin"), large);
    Path base = RootFilesystems.tar(root, temp.resolve("base.tar"), "2024-01-01", false);
    Files.write(root.resolve("large.bin"), RootFilesystems.rebuild(large, random));
    Path target = RootFilesystems.tar(root, temp.resolve("target.tar"), "2025-01-01", false);

    OperationReplay replay = encode(base, target);

    assertThat(replay.bytes()).isEqualTo(Files.readAllBytes(target));
    assertThat(replay.zstdPatches).isEqualTo(2);
    assertThat(replay.literalBytes).isLessThan(100_000);
  }

  @Test
  void renamedFileIsCopied() throws Exception {
    Path root = temp.resolve("root");
    RootFilesystems.makeBase(root);
    Path base = RootFilesystems.tar(root, temp.resolve("base.tar"), "2024-01-01", false);
    Files.move(root.resolve("usr/lib/libzip.so"), root.resolve("usr/lib/libzip-moved.so"));
    Path target = RootFilesystems.tar(root, temp.resolve("target.tar"), "2024-01-01", false);

    OperationReplay replay = encode(base, target);

    assertThat(replay.bytes()).isEqualTo(Files.readAllBytes(target));
    assertThat(replay.literalBytes).isLessThan(Files.size(root.resolve("usr/lib/libzip-moved.so")));
    assertThat(replay.bsdiffs + replay.zstdPatches).isZero();
  }

  private OperationReplay encode(Path base, Path target) throws IOException {
    try (ExpandedLayer baseLayer = ExpandedLayer.open(0, base);
        ExpandedLayer targetLayer = ExpandedLayer.open(-1, target)) {
      BaseFiles files = BaseFiles.index(List.of(baseLayer));
      TarEncoder encoder =
          new TarEncoder(files, new StandardContentEncoder(EncodingOptions.DEFAULTS), executor);
      OperationReplay replay = new OperationReplay(List.of(baseLayer));
      encoder.encode(targetLayer, new OperationSink(replay));
      return replay;
    }
  }
}
