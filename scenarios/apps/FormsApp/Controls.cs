namespace FormsApp;

/// <summary>A headless stand-in for a WinForms control: a name, some state, children and events.</summary>
public abstract class Control
{
    private readonly List<Control> _children = new();

    protected Control(string name) => Name = name;

    public string Name { get; }
    public string Text { get; set; } = string.Empty;
    public object? Tag { get; set; }
    public IReadOnlyList<Control> Children => _children;

    public event EventHandler? Click;
    public event EventHandler? TextChanged;

    public void Add(Control child) => _children.Add(child);

    public void PerformClick() => Click?.Invoke(this, EventArgs.Empty);

    public void SetText(string text)
    {
        Text = text;
        TextChanged?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Unhooks this control's own events and disposes its children. The children stay
    /// in the tree, as in WinForms: a disposed form that is still referenced keeps them alive.</summary>
    public virtual void Dispose()
    {
        foreach (var child in _children) child.Dispose();
        Click = null;
        TextChanged = null;
    }
}

public sealed class Panel(string name) : Control(name);

public sealed class Label(string name) : Control(name);

public sealed class Button(string name) : Control(name);

public sealed class TextBox(string name) : Control(name)
{
    public int MaxLength { get; set; } = 256;
}

public sealed class ListBox(string name) : Control(name)
{
    public List<string> Items { get; } = new();
}

public sealed class CheckBox(string name) : Control(name)
{
    public bool Checked { get; set; }
}
