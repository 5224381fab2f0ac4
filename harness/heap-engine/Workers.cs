using System.Runtime.ExceptionServices;

namespace LeakGate.HeapEngine;

// Runs `body(w)` for w = 0 .. count-1 at the same time, the first on the calling thread, and
// returns when all are done; the first failure of any is thrown again (with its stack) after the
// others finish. The bodies share out their work themselves (an Interlocked counter).
internal static class Workers
{
    public static void Run(int count, Action<int> body, string name)
    {
        Exception? failure = null;
        void Guarded(int w)
        {
            try
            {
                body(w);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }
        var threads = new Thread[Math.Max(0, count - 1)];
        for (int w = 0; w < threads.Length; w++)
        {
            int which = w + 1;
            threads[w] = new Thread(() => Guarded(which), 1 << 20) { IsBackground = true, Name = $"{name} {which}" };
            threads[w].Start();
        }
        Guarded(0);
        foreach (Thread thread in threads) thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
