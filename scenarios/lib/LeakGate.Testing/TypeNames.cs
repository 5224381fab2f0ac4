using System.Text;

namespace LeakGate.Testing;

/// <summary>A type's name as the heap engine (and SOS) writes it: namespace and name, nested
/// types after '+', generic arguments in angle brackets after ", "
/// (<c>System.Collections.Generic.List&lt;MyApp.Order&gt;</c>).</summary>
internal static class TypeNames
{
    public static string Of(Type type)
    {
        if (type.IsArray) return Of(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsGenericParameter) return type.Name;
        var name = new StringBuilder();
        if (type.IsNested) name.Append(Of(type.DeclaringType!)).Append('+');
        else if (!string.IsNullOrEmpty(type.Namespace)) name.Append(type.Namespace).Append('.');
        string plain = type.Name;
        int tick = plain.IndexOf('`');
        name.Append(tick < 0 ? plain : plain[..tick]);
        if (type.IsGenericType)
        {
            Type[] args = type.GetGenericArguments();
            // A nested type of a generic one carries its outer type's arguments first.
            int own = tick < 0 ? 0 : int.Parse(plain[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (own > 0)
                name.Append('<').Append(string.Join(", ", args[^own..].Select(Of))).Append('>');
        }
        return name.ToString();
    }
}
