// Harness renders API Gateway mapping templates with Apache Velocity 1.7 for
// the streamgen tests. It is test tooling, not product: a long-running process
// that reads one JSON job per line on stdin and writes one JSON result per line
// on stdout, so a test pays the JVM start once.
//
// Job:    {"template": "...", "body": "...", "context": {...},
//          "params": {"path": {}, "querystring": {}, "header": {}}, "stageVariables": {}}
// Result: {"output": "...", "status": "409" or null, "error": "..." or null}
//
// It emulates what API Gateway documents for $input, $util and $context. JSON
// objects are LinkedHashMaps (containsKey, size, keySet), arrays ArrayLists,
// numbers keep their exact text. JSONPath: only "$", ".name", "['name']",
// "[\"name\"]" and "[N]" steps; anything else is an error. A path that does not
// exist gives null, so Velocity prints the reference as written and a template
// that relies on it produces invalid JSON instead of a silent guess.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.log.NullLogChute;

public final class Harness {
    public static void main(String[] args) throws Exception {
        RuntimeInstance velocity = new RuntimeInstance();
        // Without this Velocity 1.7 writes velocity.log into the working directory.
        velocity.setProperty(RuntimeConstants.RUNTIME_LOG_LOGSYSTEM_CLASS, NullLogChute.class.getName());
        // API Gateway stops every #foreach after 1000 iterations, silently
        // ("Number of iterations in a #foreach ... #end loop in mapping
        // templates: 1000", REST API quotas); Velocity loops forever by default.
        velocity.setProperty(RuntimeConstants.MAX_NUMBER_LOOPS, 1000);
        velocity.init();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) {
                continue;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            try {
                result = render(velocity, asMap(Json.parse(line)));
            } catch (Throwable e) {
                result.put("output", null);
                result.put("status", null);
                result.put("error", describe(e));
            }
            out.println(Json.write(result, true));
            out.flush();
        }
    }

    static Map<String, Object> render(RuntimeInstance velocity, Map<String, Object> job) throws Exception {
        Map<String, Object> context = optionalMap(job, "context");
        Map<String, Object> override = new LinkedHashMap<>();
        override.put("header", new LinkedHashMap<String, Object>());
        context.put("responseOverride", override);
        context.putIfAbsent("requestOverride", new LinkedHashMap<String, Object>());

        VelocityContext vc = new VelocityContext();
        vc.put("input", new Input((String) job.getOrDefault("body", ""),
                optionalMap(job, "params")));
        vc.put("util", new Util());
        vc.put("context", context);
        vc.put("stageVariables", optionalMap(job, "stageVariables"));

        StringWriter output = new StringWriter();
        velocity.evaluate(vc, output, "template", (String) job.get("template"));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("output", output.toString());
        Object status = override.get("status");
        result.put("status", status == null ? null : status.toString());
        result.put("error", null);
        return result;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != e; e = c, c = c.getCause()) {
            sb.append(": ").append(c);
        }
        return sb.toString();
    }

    static Map<String, Object> optionalMap(Map<String, Object> job, String key) {
        Object v = job.get(key);
        return v == null ? new LinkedHashMap<>() : asMap(v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("want a JSON object, got " + Json.write(o, true));
        }
        return (Map<String, Object>) o;
    }

    /** $input as API Gateway documents it. */
    public static final class Input {
        private final String body;
        private final Map<String, Object> params;
        private Object parsed;
        private boolean isParsed;

        Input(String body, Map<String, Object> params) {
            this.body = body == null ? "" : body;
            this.params = params;
        }

        public String getBody() {
            return body;
        }

        /** The value at path as JSON text. */
        public String json(String path) {
            Object v = select(path);
            return v == null ? null : Json.write(v, false);
        }

        /** The value at path as an object: Map, List, String, number or Boolean. */
        public Object path(String path) {
            return select(path);
        }

        public Map<String, Object> params() {
            return params;
        }

        /** The named parameter from path, query string or header, in that order. */
        public Object params(String name) {
            for (String where : new String[] {"path", "querystring", "header"}) {
                Object m = params.get(where);
                if (m instanceof Map && ((Map<?, ?>) m).containsKey(name)) {
                    return ((Map<?, ?>) m).get(name);
                }
            }
            return "";
        }

        private Object select(String path) {
            if (!isParsed) {
                // API Gateway treats an empty payload as an empty object.
                parsed = body.trim().isEmpty() ? new LinkedHashMap<String, Object>() : Json.parse(body);
                isParsed = true;
            }
            return JsonPath.select(parsed, path);
        }
    }

    /** $util as API Gateway documents it. */
    public static final class Util {
        public String escapeJavaScript(String s) {
            return StringEscapeUtils.escapeJavaScript(s);
        }

        public Object parseJson(String s) {
            return Json.parse(s);
        }

        public String urlEncode(String s) throws Exception {
            return URLEncoder.encode(s, "UTF-8");
        }

        public String urlDecode(String s) throws Exception {
            return URLDecoder.decode(s, "UTF-8");
        }

        public String base64Encode(String s) {
            return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        public String base64Decode(String s) {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        }
    }

    /** A JSON number that keeps the exact text it was written with. */
    public static final class JsonNumber extends Number {
        private final String text;

        JsonNumber(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        BigDecimal decimal() {
            return new BigDecimal(text);
        }

        @Override
        public int intValue() {
            return decimal().intValue();
        }

        @Override
        public long longValue() {
            return decimal().longValue();
        }

        @Override
        public float floatValue() {
            return decimal().floatValue();
        }

        @Override
        public double doubleValue() {
            return decimal().doubleValue();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JsonNumber && ((JsonNumber) o).decimal().compareTo(decimal()) == 0;
        }

        @Override
        public int hashCode() {
            return decimal().stripTrailingZeros().hashCode();
        }
    }

    /** The JSONPath subset the generated templates use. */
    static final class JsonPath {
        static Object select(Object root, String path) {
            if (path == null || !path.startsWith("$")) {
                throw new IllegalArgumentException("unsupported JSONPath " + path);
            }
            Object v = root;
            int i = 1;
            while (i < path.length()) {
                if (v == null) {
                    return null;
                }
                char c = path.charAt(i);
                String key;
                if (c == '.') {
                    int end = i + 1;
                    while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                        end++;
                    }
                    key = path.substring(i + 1, end);
                    if (key.isEmpty() || key.equals("*")) {
                        throw new IllegalArgumentException("unsupported JSONPath " + path);
                    }
                    i = end;
                } else if (c == '[') {
                    int end = path.indexOf(']', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("unsupported JSONPath " + path);
                    }
                    String inner = path.substring(i + 1, end).trim();
                    i = end + 1;
                    if (inner.matches("[0-9]+")) {
                        if (!(v instanceof List)) {
                            return null;
                        }
                        List<?> list = (List<?>) v;
                        int n = Integer.parseInt(inner);
                        v = n < list.size() ? list.get(n) : null;
                        continue;
                    }
                    if (inner.length() >= 2 && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
                            && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
                        key = inner.substring(1, inner.length() - 1);
                    } else {
                        throw new IllegalArgumentException("unsupported JSONPath " + path);
                    }
                } else {
                    throw new IllegalArgumentException("unsupported JSONPath " + path);
                }
                v = v instanceof Map ? ((Map<?, ?>) v).get(key) : null;
            }
            return v;
        }
    }

    /** A strict JSON reader and writer: objects keep their order, numbers their text. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String s) {
            Json p = new Json(s);
            p.space();
            Object v = p.value();
            p.space();
            if (p.i != s.length()) {
                throw p.error("trailing data");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + i + ": " + what);
        }

        private void space() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private Object value() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    space();
                    if (i < s.length() && s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        space();
                        if (i >= s.length() || s.charAt(i) != '"') {
                            throw error("want a string key");
                        }
                        String k = string();
                        space();
                        expect(':');
                        space();
                        m.put(k, value());
                        space();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    space();
                    if (i < s.length() && s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        space();
                        l.add(value());
                        space();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        expect(']');
                        return l;
                    }
                }
                case '"':
                    return string();
                case 't':
                    word("true");
                    return Boolean.TRUE;
                case 'f':
                    word("false");
                    return Boolean.FALSE;
                case 'n':
                    word("null");
                    return null;
                default:
                    return number();
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("want '" + c + "'");
            }
            i++;
        }

        private void word(String w) {
            if (!s.startsWith(w, i)) {
                throw error("want " + w);
            }
            i += w.length();
        }

        private JsonNumber number() {
            int start = i;
            if (i < s.length() && s.charAt(i) == '-') {
                i++;
            }
            if (i < s.length() && s.charAt(i) == '0') {
                i++;
            } else if (!digits()) {
                throw error("want a value");
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                if (!digits()) {
                    throw error("want digits after '.'");
                }
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                if (!digits()) {
                    throw error("want exponent digits");
                }
            }
            return new JsonNumber(s.substring(start, i));
        }

        private boolean digits() {
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i > start;
        }

        private String string() {
            i++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        throw error("bad escape \\" + e);
                }
            }
        }

        /** JSON text of v; ascii escapes everything outside printable ASCII (for the pipe). */
        static String write(Object v, boolean ascii) {
            StringBuilder sb = new StringBuilder();
            write(sb, v, ascii);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v, boolean ascii) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String) {
                quote(sb, (String) v, ascii);
            } else if (v instanceof Map) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    quote(sb, String.valueOf(e.getKey()), ascii);
                    sb.append(':');
                    write(sb, e.getValue(), ascii);
                }
                sb.append('}');
            } else if (v instanceof List) {
                sb.append('[');
                boolean first = true;
                for (Object e : (List<?>) v) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(sb, e, ascii);
                }
                sb.append(']');
            } else {
                sb.append(v.toString()); // Boolean, JsonNumber and other numbers
            }
        }

        private static void quote(StringBuilder sb, String s, boolean ascii) {
            sb.append('"');
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    case '\b': sb.append("\\b"); break;
                    case '\f': sb.append("\\f"); break;
                    default:
                        if (c < 0x20 || (ascii && c > 0x7e)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            sb.append('"');
        }
    }
}
