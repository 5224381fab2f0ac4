namespace FormsApp;

/// <summary>A form with a grid of child controls, each wired to a handler on the form, and a
/// subscription to the static <see cref="ThemeService.ThemeChanged"/> event.</summary>
public sealed class CustomerForm : Control
{
    private const int Rows = 12;
    private readonly bool _unsubscribeOnClose;
    private readonly byte[] _layoutCache = new byte[2048];
    private int _clicks;
    private string _theme = "light";

    public CustomerForm(int id, bool unsubscribeOnClose) : base($"customer-{id}")
    {
        _unsubscribeOnClose = unsubscribeOnClose;
        for (var row = 0; row < Rows; row++)
        {
            var panel = new Panel($"row{row}");
            var label = new Label($"label{row}") { Text = $"Field {row}" };
            var box = new TextBox($"text{row}");
            var check = new CheckBox($"check{row}");
            box.TextChanged += OnFieldChanged;
            check.Click += OnFieldChanged;
            panel.Add(label);
            panel.Add(box);
            panel.Add(check);
            Add(panel);
        }
        var list = new ListBox("orders");
        for (var i = 0; i < 8; i++) list.Items.Add($"order {id}-{i}");
        list.Click += OnFieldChanged;
        Add(list);
        var ok = new Button("ok") { Text = "OK" };
        ok.Click += OnOk;
        Add(ok);
        ThemeService.ThemeChanged += OnThemeChanged;
    }

    public int Clicks => _clicks;

    /// <summary>Simulates a user filling in the form and pressing OK.</summary>
    public void Exercise()
    {
        foreach (var panel in Children.OfType<Panel>())
            foreach (var child in panel.Children)
            {
                if (child is TextBox box) box.SetText(Name);
                if (child is CheckBox check) check.PerformClick();
            }
        Children.OfType<Button>().Single().PerformClick();
        _layoutCache[0] = (byte)_clicks;
    }

    public void Close()
    {
        if (_unsubscribeOnClose) ThemeService.ThemeChanged -= OnThemeChanged;
        Dispose();
    }

    private void OnFieldChanged(object? sender, EventArgs e) => _clicks++;

    private void OnOk(object? sender, EventArgs e) => _clicks++;

    private void OnThemeChanged(object? sender, ThemeChangedEventArgs e) => _theme = e.Theme;

    public override string ToString() => $"{Name} ({_theme})";
}
