namespace MetaAdsSync.TestSupport;

/// <summary>The runtime's tiered-compilation threads of a .NET process, as /proc lists them (Linux).</summary>
public static class BackgroundJitThreads
{
    /// <summary>
    /// Each of <paramref name="processId"/>'s threads named ".NET Tiered Com…" (the runtime ends one when it is idle and
    /// starts another later): its id and its /proc stat fields from the state on (field 3 of proc(5) at index 0, so
    /// field N at N - 3). Empty when the process is gone; a thread that ends between the listing and the read is left out.
    /// </summary>
    public static List<(int Tid, string[] Stat)> Of(int processId)
    {
        var threads = new List<(int, string[])>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // The command may hold spaces: the fields start after its closing parenthesis.
                    var text = File.ReadAllText(Path.Combine(task, "stat"));
                    threads.Add((int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture), text[(text.LastIndexOf(')') + 2)..].Split(' ')));
                }
                catch (IOException)
                {
                    // The thread ended between the listing and the read.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone.
        }

        return threads;
    }
}
