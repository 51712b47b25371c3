package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JarEntryRecipesTest {

  private static final int MAX_ENTRY_SIZE = 64 * 1024 * 1024;

  @Test
  void recipesReproduceEveryDeflatedEntryOfRealJars() throws Exception {
    for (Path jar :
        Stream.concat(TestJars.oldJars().stream(), TestJars.newJars().stream()).toList()) {
      byte[] zip = Files.readAllBytes(jar);
      ZipArchive archive = ZipArchive.parse(zip);
      int deflated = 0;
      int reproduced = 0;
      DeflateRecipe preferred = null;
      Map<String, Integer> recipes = new TreeMap<>();

      for (ZipEntryInfo entry : archive.entries()) {
        if (entry.method() != ZipEntryInfo.METHOD_DEFLATED) {
          continue;
        }
        deflated++;
        byte[] inflated = ZipEntryContent.inflate(zip, entry, MAX_ENTRY_SIZE).orElseThrow();
        Optional<DeflateRecipe> recipe =
            DeflateReproducer.find(ZipEntryContent.raw(zip, entry), inflated, preferred);
        if (recipe.isPresent()) {
          reproduced++;
          preferred = recipe.get();
          recipes.merge(recipe.get().toString(), 1, Integer::sum);
        }
      }

      System.out.printf(
          "%s: %d of %d deflated entries reproduce %s%n",
          jar.getFileName(), reproduced, deflated, recipes);
      assertThat(reproduced).as(jar.getFileName().toString()).isEqualTo(deflated);
    }
  }
}
