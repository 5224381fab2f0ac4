using System.Text.Json;

namespace LeakGate.Testing;

/// <summary>Finds the leakgate command: the native binary itself where it can (a local tool's
/// package folder), so that the process this package starts is leakgate, whose parent is the
/// test process (what leakgate checks before it reads it).</summary>
internal static class LeakgateCommand
{
    public static string Find(WatchOptions options)
    {
        if (!string.IsNullOrEmpty(options.Leakgate)) return Existing(options.Leakgate, "WatchOptions.Leakgate");
        if (Environment.GetEnvironmentVariable("LEAKGATE") is { Length: > 0 } env) return Existing(env, "$LEAKGATE");
        if (FromToolManifest() is { } local) return local;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                     .Append(Path.Combine(Home(), ".dotnet", "tools")))
        {
            string candidate = Path.Combine(dir, "leakgate");
            if (File.Exists(candidate)) return candidate;
        }
        throw new LeakGateException(
            "leakgate not found: set WatchOptions.Leakgate or $LEAKGATE to its path, or install it as a .NET tool " +
            "(in the test project's repository: dotnet new tool-manifest; dotnet tool install leakgate; or " +
            "dotnet tool install -g leakgate)");
    }

    private static string Existing(string path, string from) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new LeakGateException($"{from}: {path} does not exist");

    // The nearest tool manifest (from the working directory up, then from this assembly's folder
    // up) that names leakgate, and its package's native binary in the NuGet packages folder.
    private static string? FromToolManifest()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                foreach (string name in new[] { Path.Combine(".config", "dotnet-tools.json"), "dotnet-tools.json" })
                {
                    string manifest = Path.Combine(dir.FullName, name);
                    if (!File.Exists(manifest)) continue;
                    string? version = LeakgateVersion(manifest);
                    if (version is null) continue;
                    string? native = RestoredPackage(version) is { } package ? Native(package) : null;
                    string fallback = Native(Path.Combine(PackagesFolder(), "leakgate", version.ToLowerInvariant(), "tools", "net10.0", "any"));
                    native ??= File.Exists(fallback) ? fallback : null;
                    if (native is null)
                        throw new LeakGateException($"{manifest} names leakgate {version}, but it is not restored: run dotnet tool restore");
                    MakeExecutable(native);
                    return native;
                }
            }
        }
        return null;
    }

    private static string Native(string packageToolFolder) =>
        Path.Combine(packageToolFolder, "native", "linux-x64", "bin", "leakgate");

    // Where `dotnet tool restore` left the package of that version: the .NET CLI's record of its
    // local tools (~/.dotnet/toolResolverCache/<format>/leakgate, under $DOTNET_CLI_HOME when set),
    // which is what `dotnet leakgate` runs, wherever the package was first restored.
    private static string? RestoredPackage(string version)
    {
        string home = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cli ? cli : Home();
        string cache = Path.Combine(home, ".dotnet", "toolResolverCache");
        if (!Directory.Exists(cache)) return null;
        foreach (string format in Directory.EnumerateDirectories(cache))
        {
            string record = Path.Combine(format, "leakgate");
            if (!File.Exists(record)) continue;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(record));
                foreach (JsonElement entry in doc.RootElement.EnumerateArray())
                {
                    if (entry.GetProperty("Version").GetString() != version) continue;
                    string? launcher = entry.GetProperty("PathToExecutable").GetString();
                    if (launcher is not null && File.Exists(Native(Path.GetDirectoryName(launcher)!)))
                        return Path.GetDirectoryName(launcher);
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
            {
                // a record of another format: the packages folder is looked in instead
            }
        }
        return null;
    }

    private static string? LeakgateVersion(string manifest)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(manifest));
            foreach (JsonProperty tool in doc.RootElement.GetProperty("tools").EnumerateObject())
                if (string.Equals(tool.Name, "leakgate", StringComparison.OrdinalIgnoreCase))
                    return tool.Value.GetProperty("version").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LeakGateException($"{manifest}: not a tool manifest leakgate can read ({e.Message})");
        }
        return null;
    }

    private static string PackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Home(), ".nuget", "packages");

    private static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    // The package's files lose their execute bits on the way through NuGet.
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) != 0) return;
        File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        string engine = Path.Combine(Path.GetDirectoryName(path)!, "..", "lib", "leakgate", "heap-engine", "leakgate-heap-engine");
        if (File.Exists(engine))
            File.SetUnixFileMode(engine, File.GetUnixFileMode(engine) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }
}
