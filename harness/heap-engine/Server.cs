using System.Text;
using System.Text.Json;

namespace LeakGate.HeapEngine;

// The request loop: a hello line, then for each request line exactly one reply line. A request
// that fails gets an error reply and the loop goes on; only end of input (or "quit") ends it.
public static class Server
{
    public static int Run(Stream input, Stream output)
    {
        using var reader = new StreamReader(input, new UTF8Encoding(false), false, 1 << 16);
        var writer = new ReplyWriter(output);
        writer.Hello();
        using var session = new Session();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            Request? request = null;
            try
            {
                request = Request.Parse(line);
                if (request.Op == "quit")
                {
                    writer.Ok(request, w => { });
                    break;
                }
                session.Handle(request, writer);
            }
            catch (EngineException e)
            {
                writer.Error(request, e.Kind, e.Message, Request.IdOf(line));
            }
            catch (Exception e)
            {
                writer.Error(request, ErrorKind.Internal, $"{e.GetType().Name}: {e.Message}", Request.IdOf(line));
            }
        }
        return 0;
    }
}
