package dev.hybridproxy.backend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  private static List<SseEvent> decodeFixture(String name) throws IOException {
    try (InputStream in = SseDecoderTest.class.getResourceAsStream("/fixtures/sse/" + name)) {
      return decode(in);
    }
  }

  private static List<SseEvent> decode(InputStream in) throws IOException {
    SseDecoder decoder = new SseDecoder(in, 1024 * 1024);
    List<SseEvent> events = new ArrayList<>();
    SseEvent event;
    while ((event = decoder.next()) != null) {
      events.add(event);
    }
    return events;
  }

  private static List<SseEvent> decode(String text) throws IOException {
    return decode(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void skipsCommentLinesAndDeliversDoneAsAnOrdinaryEvent() throws IOException {
    List<SseEvent> events = decodeFixture("comments-and-done.txt");

    assertThat(events).hasSize(3);
    assertThat(events.get(0).data()).contains("\"content\":\"Hi\"");
    assertThat(events.get(2).isDone()).isTrue();
    assertThat(events.get(0).isDone()).isFalse();
  }

  @Test
  void joinsMultipleDataLinesWithNewlinesAndKeepsTheEventName() throws IOException {
    List<SseEvent> events = decodeFixture("multi-line-data.txt");

    assertThat(events).hasSize(2);
    assertThat(events.get(0).event()).isEqualTo("message_start");
    assertThat(events.get(0).data())
        .isEqualTo("{\"type\":\"message_start\",\n \"message\":{\"id\":\"msg_01\"}}");
    assertThat(events.get(1).event()).isEqualTo("ping");
  }

  @Test
  void acceptsCrlfLineEndingsAndAFieldWithoutTheOptionalSpace() throws IOException {
    List<SseEvent> events = decodeFixture("crlf.txt");

    assertThat(events)
        .extracting(SseEvent::data)
        .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    assertThat(events.get(2).id()).isEqualTo("7");
  }

  @Test
  void acceptsBareCarriageReturnLineEndings() throws IOException {
    assertThat(decodeFixture("cr-only.txt"))
        .extracting(SseEvent::data)
        .containsExactly("{\"n\":1}", "{\"n\":2}");
  }

  @Test
  void dispatchesALastEventThatHasNoBlankLineAfterIt() throws IOException {
    assertThat(decodeFixture("no-final-blank-line.txt"))
        .extracting(SseEvent::data)
        .containsExactly("{\"n\":1}", "{\"n\":2}");
  }

  @Test
  void removesOnlyOneLeadingSpaceOfTheValue() throws IOException {
    assertThat(decode("data:   indented\n\n"))
        .extracting(SseEvent::data)
        .containsExactly("  indented");
  }

  @Test
  void ignoresAnEventNameWithoutData() throws IOException {
    assertThat(decode("event: ping\n\ndata: x\n\n"))
        .singleElement()
        .satisfies(e -> assertThat(e.event()).isEqualTo("message"));
  }

  @Test
  void decodesMultiByteCharactersSplitAcrossReads() throws IOException {
    byte[] bytes = "data: {\"c\":\"héllo ✓\"}\n\n".getBytes(StandardCharsets.UTF_8);
    InputStream trickle =
        new InputStream() {
          private int position;

          @Override
          public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (position >= bytes.length) {
              return -1;
            }
            b[off] = bytes[position++];
            return 1;
          }
        };

    assertThat(decode(trickle)).extracting(SseEvent::data).containsExactly("{\"c\":\"héllo ✓\"}");
  }

  @Test
  void rejectsAnEventLargerThanTheLimit() {
    String huge = "data: " + "x".repeat(2000) + "\n\n";
    SseDecoder decoder =
        new SseDecoder(new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)), 1000);

    assertThatThrownBy(decoder::next).isInstanceOf(IOException.class).hasMessageContaining("1000");
  }

  @Test
  void returnsNullAtTheEndOfAnEmptyStream() throws IOException {
    assertThat(decode("")).isEmpty();
    assertThat(decode(": only a comment\n\n")).isEmpty();
  }
}
