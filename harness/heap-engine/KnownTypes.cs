namespace LeakGate.HeapEngine;

// What a walk needs of a type (TypeTally's facts), kept by method table across the opens of one
// process: a checkpoint opens the process again, and ClrMD, whose types live in the runtime of
// one open, would otherwise make every type again from the runtime's data access library (about
// 0.1 ms a type: a third of the walk of a test host's 60 MB heap). Only types that are never
// unloaded are kept: a collectible type's method table can be freed and its address reused.
// The process is told apart by its start time as well as its id (a pid can be reused).
public sealed class KnownTypes
{
    public sealed record Facts(string Name, uint BaseSize, uint ComponentSize, bool HasPointers, bool IsString);

    private readonly Dictionary<ulong, Facts> _byMethodTable = new();

    public int Pid { get; }
    public ulong StartTime { get; }

    private KnownTypes(int pid, ulong startTime)
    {
        Pid = pid;
        StartTime = startTime;
    }

    // The types known of process `pid`: `known` when it is of the same process, else new ones
    // (none when the process's start cannot be read).
    public static KnownTypes? Of(int pid, KnownTypes? known)
    {
        ulong? start = StartTimeOf(pid);
        if (start is null) return null;
        return known is not null && known.Pid == pid && known.StartTime == start ? known : new KnownTypes(pid, start.Value);
    }

    public Facts? Get(ulong methodTable) => _byMethodTable.GetValueOrDefault(methodTable);

    public void Add(ulong methodTable, Facts facts) => _byMethodTable[methodTable] = facts;

    // Field 22 of /proc/PID/stat (after the command's closing parenthesis: field 3 is the first).
    private static ulong? StartTimeOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && ulong.TryParse(fields[19], out ulong start) ? start : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
