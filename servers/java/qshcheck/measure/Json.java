package qshcheck.measure;

/** The little JSON the launchers and the servlet write. */
final class Json {
    private Json() {}

    /**
     * {@code text} as a JSON string of ASCII only: every character outside printable ASCII is a
     * {@code \}{@code uXXXX} escape of its UTF-16 code unit, so an unpaired surrogate, which has no
     * UTF-8 form, still reaches the reader exactly.
     */
    static String string(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append('"').toString();
    }
}
