namespace GpuPRelu.Attacks;

/// <summary>The names of the attacks as flags, config files and CSV rows write them (pgd, apgd-ce, …, standard).</summary>
public static class AttackNames
{
    private static readonly (string Name, AttackKind Kind)[] All =
    [
        ("pgd", AttackKind.Pgd), ("apgd-ce", AttackKind.ApgdCe), ("apgd-dlr", AttackKind.ApgdDlr), ("apgd-t", AttackKind.ApgdT),
        ("fab-t", AttackKind.FabT), ("square", AttackKind.Square), ("standard", AttackKind.Standard),
    ];

    /// <summary>The name of an attack.</summary>
    public static string Name(AttackKind kind) => All.First(a => a.Kind == kind).Name;

    /// <summary>Parses one name or a comma list (case-insensitive); an unknown name throws FormatException naming it.</summary>
    public static AttackKind[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Trim().ToLowerInvariant().Split(',').Select(part => part.Trim()).Select(name =>
        {
            foreach (var (n, kind) in All)
            {
                if (n == name)
                    return kind;
            }
            throw new FormatException(
                $"attack must be pgd, apgd-ce, apgd-dlr, apgd-t, fab-t, square, standard or a comma list of apgd-ce, apgd-dlr, apgd-t, fab-t, square; got {name}");
        })];
    }
}
