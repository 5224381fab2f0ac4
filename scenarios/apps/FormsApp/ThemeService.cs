namespace FormsApp;

public sealed class ThemeChangedEventArgs(string theme) : EventArgs
{
    public string Theme { get; } = theme;
}

/// <summary>A process-wide service with a static event, like SystemEvents.UserPreferenceChanged:
/// every subscriber stays reachable from a GC root until it unsubscribes.</summary>
public static class ThemeService
{
    public static event EventHandler<ThemeChangedEventArgs>? ThemeChanged;

    public static int SubscriberCount => ThemeChanged?.GetInvocationList().Length ?? 0;

    public static void Change(string theme) => ThemeChanged?.Invoke(null, new ThemeChangedEventArgs(theme));
}
