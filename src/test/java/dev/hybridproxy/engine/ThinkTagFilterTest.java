package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThinkTagFilterTest {
  private final ThinkTagFilter filter = new ThinkTagFilter();

  @Test
  void removesAThinkBlockWhoseTagIsSplitAcrossThreeChunks() {
    String seen =
        filter.feed("<thi")
            + filter.feed("nk>private plan")
            + filter.feed("</th")
            + filter.feed("in")
            + filter.feed("k>\n\nThe answer")
            + filter.finish();

    assertThat(seen).isEqualTo("The answer");
  }

  @Test
  void removesEveryTagVariantWithAttributes() {
    assertThat(ThinkTagFilter.filter("a<thinking type=\"x\">b</thinking>c")).isEqualTo("ac");
    assertThat(ThinkTagFilter.filter("a<reason>b</reason>c")).isEqualTo("ac");
    assertThat(ThinkTagFilter.filter("a<REASONING>b</REASONING>c")).isEqualTo("ac");
  }

  @Test
  void leavesOtherAnglesAlone() {
    assertThat(ThinkTagFilter.filter("if a < b && c<d then <div><thin>"))
        .isEqualTo("if a < b && c<d then <div><thin>");
  }

  @Test
  void releasesAHeldBackTagStartWhenTheStreamEnds() {
    assertThat(filter.feed("x <thi")).isEqualTo("x ");
    assertThat(filter.finish()).isEqualTo("<thi");
  }

  @Test
  void dropsAStrayClosingTag() {
    assertThat(ThinkTagFilter.filter("done</think>answer")).isEqualTo("doneanswer");
  }

  @Test
  void dropsAnUnclosedBlock() {
    assertThat(filter.feed("ok <think>still thinking")).isEqualTo("ok ");
    assertThat(filter.finish()).isEmpty();
  }
}
