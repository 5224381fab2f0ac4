using System.Text.Json;

namespace LeakGate.HeapEngine;

// One request line: {"v":1,"id":7,"op":"heapstat", ...}. PROTOCOL.md lists the ops and fields.
public sealed class Request
{
    public const int Version = 1;

    public long Id { get; private init; }
    public string Op { get; private init; } = "";
    public JsonElement Body { get; private init; }

    public static Request Parse(string line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new EngineException(ErrorKind.BadRequest, $"not a JSON request: {e.Message}");
        }
        JsonElement root = doc.RootElement.Clone();
        doc.Dispose();
        if (root.ValueKind != JsonValueKind.Object)
            throw new EngineException(ErrorKind.BadRequest, "a request is a JSON object");
        long id = root.TryGetProperty("id", out JsonElement idElement) && idElement.TryGetInt64(out long i) ? i : -1;
        if (!root.TryGetProperty("v", out JsonElement v) || !v.TryGetInt32(out int version))
            throw new EngineException(ErrorKind.BadRequest, "the request has no protocol version \"v\"");
        if (version != Version)
            throw new EngineException(ErrorKind.UnsupportedVersion,
                $"protocol version {version} is not spoken here (this engine speaks {Version})");
        if (!root.TryGetProperty("op", out JsonElement op) || op.ValueKind != JsonValueKind.String)
            throw new EngineException(ErrorKind.BadRequest, "the request has no \"op\"");
        return new Request { Id = id, Op = op.GetString()!, Body = root };
    }

    public static long IdOf(string line)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("id", out JsonElement e) && e.TryGetInt64(out long id) ? id : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    public string? String(string name) =>
        Body.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    public long? Integer(string name) =>
        Body.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v)
            ? v
            : null;

    public List<ulong> Addresses(string name)
    {
        var result = new List<ulong>();
        if (!Body.TryGetProperty(name, out JsonElement e)) return result;
        if (e.ValueKind != JsonValueKind.Array)
            throw new EngineException(ErrorKind.BadRequest, $"\"{name}\" is a list of unsigned integers");
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out ulong value))
                throw new EngineException(ErrorKind.BadRequest, $"\"{name}\" is a list of unsigned integers");
            result.Add(value);
        }
        return result;
    }

    public bool Flag(string name) =>
        Body.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.True;

    // An optional integer field within [min, max] (else a bad-request naming it).
    public int Bounded(string name, int fallback, int min, int max)
    {
        if (!Body.TryGetProperty(name, out JsonElement e)) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v) || v < min || v > max)
            throw new EngineException(ErrorKind.BadRequest, $"\"{name}\" is an integer from {min} to {max}");
        return (int)v;
    }

    public List<string> Strings(string name)
    {
        var result = new List<string>();
        if (!Body.TryGetProperty(name, out JsonElement e)) return result;
        if (e.ValueKind != JsonValueKind.Array)
            throw new EngineException(ErrorKind.BadRequest, $"\"{name}\" is a list of strings");
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw new EngineException(ErrorKind.BadRequest, $"\"{name}\" is a list of strings");
            result.Add(item.GetString()!);
        }
        return result;
    }
}

// Writes reply lines: {"v":1,"id":7,"ok":true,...} or {"v":1,"id":7,"ok":false,"error":{...}}.
// A reply is composed in memory and written whole, so a request that fails half-way through its
// reply still answers with one well-formed error line.
public sealed class ReplyWriter
{
    private readonly Stream _output;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _json;

    public ReplyWriter(Stream output)
    {
        _output = output;
        // Text as it is (no \u0022 for quotes): the replies are kept beside the report for people.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    public void Hello()
    {
        _json.WriteStartObject();
        _json.WriteNumber("v", Request.Version);
        _json.WriteString("hello", "leakgate-heap-engine");
        _json.WriteString("engineVersion", typeof(ReplyWriter).Assembly.GetName().Version?.ToString(3) ?? "0");
        _json.WriteString("clrmd", typeof(Microsoft.Diagnostics.Runtime.DataTarget).Assembly.GetName().Version?.ToString() ?? "?");
        _json.WriteString("runtime", Environment.Version.ToString());
        _json.WriteNumber("pid", Environment.ProcessId);
        _json.WriteEndObject();
        EndLine();
    }

    public void Ok(Request request, Action<Utf8JsonWriter> body)
    {
        _json.WriteStartObject();
        _json.WriteNumber("v", Request.Version);
        _json.WriteNumber("id", request.Id);
        _json.WriteBoolean("ok", true);
        body(_json);
        _json.WriteEndObject();
        EndLine();
    }

    public void Error(Request? request, string kind, string message, long id = -1)
    {
        _json.Reset();
        _buffer.Clear();
        _json.WriteStartObject();
        _json.WriteNumber("v", Request.Version);
        _json.WriteNumber("id", request?.Id ?? id);
        _json.WriteBoolean("ok", false);
        _json.WriteStartObject("error");
        _json.WriteString("kind", kind);
        _json.WriteString("message", message);
        _json.WriteEndObject();
        _json.WriteEndObject();
        EndLine();
    }

    private void EndLine()
    {
        _json.Flush();
        _output.Write(_buffer.WrittenSpan);
        _output.WriteByte((byte)'\n');
        _output.Flush();
        _json.Reset();
        _buffer.Clear();
    }
}
