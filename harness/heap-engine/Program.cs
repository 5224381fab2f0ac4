// leakgate's heap engine: reads the managed heap of a .NET process or dump with ClrMD and answers
// requests of the C++ harness, one JSON line in, one JSON line out (PROTOCOL.md).
using LeakGate.HeapEngine;

return Server.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
