package io.fwoa.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.server.api.FhirException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6902 operations, including the examples of its appendix A. */
class JsonPatchTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "add member | {\"foo\":\"bar\"} | [{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}] | {\"foo\":\"bar\",\"baz\":\"qux\"}",
      "add array element | {\"foo\":[\"bar\",\"baz\"]} | [{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}] | {\"foo\":[\"bar\",\"qux\",\"baz\"]}",
      "append with dash | {\"foo\":[1]} | [{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":2}] | {\"foo\":[1,2]}",
      "remove member | {\"baz\":\"qux\",\"foo\":\"bar\"} | [{\"op\":\"remove\",\"path\":\"/baz\"}] | {\"foo\":\"bar\"}",
      "remove element | {\"foo\":[\"bar\",\"qux\",\"baz\"]} | [{\"op\":\"remove\",\"path\":\"/foo/1\"}] | {\"foo\":[\"bar\",\"baz\"]}",
      "replace | {\"baz\":\"qux\",\"foo\":\"bar\"} | [{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}] | {\"baz\":\"boo\",\"foo\":\"bar\"}",
      "move | {\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}} | [{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}] | {\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}",
      "copy | {\"a\":{\"b\":1}} | [{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}] | {\"a\":{\"b\":1},\"c\":{\"b\":1}}",
      "test passes | {\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]} | [{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}] | {\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
      "escaped pointer | {\"a/b\":1,\"m~n\":2} | [{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":3},{\"op\":\"remove\",\"path\":\"/m~0n\"}] | {\"a/b\":3}",
  })
  void appliesOperations(String name, String document, String patch, String expected) {
    assertThat(JsonPatch.parse(patch).apply(document)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "failed test | {\"baz\":\"qux\"} | [{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}] | 422",
      "missing target | {\"foo\":\"bar\"} | [{\"op\":\"remove\",\"path\":\"/nope\"}] | 422",
      "add to missing parent | {\"foo\":\"bar\"} | [{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}] | 422",
      "index past end | {\"foo\":[1]} | [{\"op\":\"add\",\"path\":\"/foo/5\",\"value\":2}] | 422",
      "unknown op | {} | [{\"op\":\"merge\",\"path\":\"/a\"}] | 400",
      "not an array | {} | {\"op\":\"add\",\"path\":\"/a\",\"value\":1} | 400",
      "missing value | {} | [{\"op\":\"add\",\"path\":\"/a\"}] | 400",
      "pointer without slash | {} | [{\"op\":\"add\",\"path\":\"a\",\"value\":1}] | 400",
  })
  void rejectsBadPatches(String name, String document, String patch, int status) {
    assertThatThrownBy(() -> JsonPatch.parse(patch).apply(document))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(status));
  }
}
