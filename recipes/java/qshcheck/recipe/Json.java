package qshcheck.recipe;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser and a writer, from the standard library only. Objects are {@code Map}s,
 * arrays {@code List}s, integers {@code Long} (or {@code BigInteger} beyond 64 bits), other
 * numbers {@code Double}, and {@code null} is null. Strict where a token verifier must be (RFC
 * 8725): a member twice in an object, a lone surrogate, a number out of range or text after the
 * value is an error, and so is nesting deeper than the caller's bound.
 */
public final class Json {
    /** What the parser refuses, with the position. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;
        public final boolean tooDeep;

        JsonException(String message, boolean tooDeep) {
            super(message);
            this.tooDeep = tooDeep;
        }
    }

    private final String text;
    private final int maxDepth;
    private int at;

    private Json(String text, int maxDepth) {
        this.text = text;
        this.maxDepth = maxDepth;
    }

    /** The value of {@code text}, with at most {@code maxDepth} levels of arrays and objects. */
    public static Object parse(String text, int maxDepth) throws JsonException {
        Json parser = new Json(text, maxDepth);
        Object value = parser.value(0);
        parser.blanks();
        if (parser.at != text.length()) {
            throw parser.error("text after the value");
        }
        return value;
    }

    private JsonException error(String what) {
        return new JsonException(what + " at " + at, false);
    }

    private void blanks() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private Object value(int depth) throws JsonException {
        blanks();
        if (at >= text.length()) {
            throw error("no value");
        }
        char c = text.charAt(at);
        if (c == '{' || c == '[') {
            if (depth >= maxDepth) {
                throw new JsonException("more than " + maxDepth + " levels of nesting", true);
            }
            return c == '{' ? object(depth + 1) : array(depth + 1);
        }
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, at)) {
                at += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word.equals("true"));
            }
        }
        return number();
    }

    private Map<String, Object> object(int depth) throws JsonException {
        Map<String, Object> members = new LinkedHashMap<>();
        at++;
        blanks();
        if (at < text.length() && text.charAt(at) == '}') {
            at++;
            return members;
        }
        while (true) {
            blanks();
            if (at >= text.length() || text.charAt(at) != '"') {
                throw error("a member name expected");
            }
            String name = string(); // unescaped, so "\u0061lg" is alg
            blanks();
            expect(':');
            if (members.containsKey(name)) {
                throw error("member \"" + name + "\" twice");
            }
            members.put(name, value(depth));
            blanks();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private List<Object> array(int depth) throws JsonException {
        List<Object> items = new ArrayList<>();
        at++;
        blanks();
        if (at < text.length() && text.charAt(at) == ']') {
            at++;
            return items;
        }
        while (true) {
            items.add(value(depth));
            blanks();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            expect(']');
            return items;
        }
    }

    private void expect(char c) throws JsonException {
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    private String string() throws JsonException {
        StringBuilder out = new StringBuilder();
        at++;
        while (true) {
            if (at >= text.length()) {
                throw error("an unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw error("a raw control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("an unterminated escape");
            }
            char e = text.charAt(at++);
            int i = "\"\\/bfnrt".indexOf(e);
            if (i >= 0) {
                out.append("\"\\/\b\f\n\r\t".charAt(i));
            } else if (e == 'u') {
                out.append(hex4());
            } else {
                throw error("a bad escape");
            }
        }
        // A lone surrogate has no UTF-8 form: two readers would disagree on what it says.
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < out.length()
                    && Character.isLowSurrogate(out.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("a lone surrogate");
            }
        }
        return out.toString();
    }

    private char hex4() throws JsonException {
        if (at + 4 > text.length()) {
            throw error("a short \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(at++), 16);
            if (d < 0) {
                throw error("a bad \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() throws JsonException {
        int start = at;
        if (at < text.length() && text.charAt(at) == '-') {
            at++;
        }
        int digits = skipDigits();
        if (digits == 0 || (digits > 1 && text.charAt(at - digits) == '0')) {
            throw error("a bad number");
        }
        boolean integer = true;
        if (at < text.length() && text.charAt(at) == '.') {
            at++;
            integer = false;
            if (skipDigits() == 0) {
                throw error("a bad fraction");
            }
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            integer = false;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                at++;
            }
            if (skipDigits() == 0) {
                throw error("a bad exponent");
            }
        }
        String literal = text.substring(start, at);
        if (integer) {
            BigInteger n = new BigInteger(literal);
            return n.bitLength() < 64 ? (Object) n.longValue() : n;
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            throw error("a number out of range");
        }
        return d;
    }

    private int skipDigits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at - start;
    }

    /** {@code value} as JSON text: maps, lists, strings, numbers, booleans and null. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value instanceof Map) {
            out.append('{');
            String comma = "";
            for (Map.Entry<?, ?> member : ((Map<?, ?>) value).entrySet()) {
                out.append(comma);
                writeString(String.valueOf(member.getKey()), out);
                out.append(':');
                write(member.getValue(), out);
                comma = ",";
            }
            out.append('}');
        } else if (value instanceof List) {
            out.append('[');
            String comma = "";
            for (Object item : (List<?>) value) {
                out.append(comma);
                write(item, out);
                comma = ",";
            }
            out.append(']');
        } else if (value instanceof String) {
            writeString((String) value, out);
        } else {
            out.append(value); // numbers, booleans, null
        }
    }

    /** Every character outside printable ASCII as a \\u escape of its UTF-16 code unit. */
    private static void writeString(String text, StringBuilder out) {
        out.append('"');
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
        out.append('"');
    }
}
