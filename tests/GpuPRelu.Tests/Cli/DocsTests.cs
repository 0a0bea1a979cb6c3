using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using GpuPRelu.Training;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>The pages that restate the code: docs/cli.md is the command tree rendered (CliReference), so a changed field,
/// default or option fails here until the page is rewritten with GPUPRELU_WRITE_DOCS=1 (which writes it and passes);
/// docs/outputs.md lists the columns of every CSV row record.</summary>
public sealed class DocsTests
{
    [Fact]
    public void CliMdMatchesTheCommands()
    {
        string page = CliReference.Render();
        string path = Page();
        if (Environment.GetEnvironmentVariable("GPUPRELU_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, page);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; write it with: {CliReference.Rewrite}");
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n").Split('\n');
        var rendered = page.Split('\n');
        int first = Enumerable.Range(0, Math.Min(committed.Length, rendered.Length)).FirstOrDefault(
            i => committed[i] != rendered[i], Math.Min(committed.Length, rendered.Length));
        Assert.True(committed.Length == rendered.Length && first == committed.Length,
            $"docs/cli.md differs from the commands' options from line {first + 1}:\n"
            + $"  committed: {(first < committed.Length ? committed[first] : "(end of file)")}\n"
            + $"  rendered:  {(first < rendered.Length ? rendered[first] : "(end of file)")}\n"
            + $"rewrite it with: {CliReference.Rewrite}");
    }

    [Fact]
    public void EveryFieldOfTheTablesIsOnThePage()
    {
        // the page is rendered from the options, so this holds it to the tables themselves: a field a verb forgets to
        // add (or a table no verb reads) shows here
        string page = CliReference.Render();
        var keys = new[]
        {
            Configs.TrainFields.All.Select(f => f.Key), Configs.StudyFields.All.Select(f => f.Key),
            Configs.RealFields.Mnist.Select(f => f.Key), Configs.RealFields.Probe.Select(f => f.Key), Configs.AttackFields.All.Select(f => f.Key),
            Configs.EvaluateFields.All.Select(f => f.Key), Sweeps.SweepFields.All.Select(f => f.Key),
        }.SelectMany(k => k).Distinct();
        Assert.All(keys, key => Assert.Contains($"| `{key}` |", page, StringComparison.Ordinal));
    }

    [Fact]
    public void OutputsMdListsTheColumnsOfEveryRowRecord()
    {
        // a row record's columns are its [Name] attributes in declaration order; the page writes them as "a, b, c"
        string page = Regex.Replace(File.ReadAllText(Page("outputs.md")), @"\s+", " ");
        var records = typeof(Trainer).Assembly.GetTypes().Where(t => t.Name.EndsWith("Row", StringComparison.Ordinal)
            && t.GetProperties().Any(Column) && !t.IsNested).OrderBy(t => t.Name).ToList();
        Assert.True(records.Count >= 17, $"found only {records.Count} row records");
        Assert.All(records, t =>
        {
            string columns = string.Join(", ", t.GetProperties().Where(Column).OrderBy(p => p.MetadataToken).Select(ColumnName));
            Assert.True(page.Contains(columns, StringComparison.Ordinal), $"docs/outputs.md lacks {t.Name}'s columns `{columns}`");
        });
    }

    // CsvHelper's [Name("snake_case")] on a row record's properties
    private static object? NameAttribute(PropertyInfo property) =>
        property.GetCustomAttributes(true).FirstOrDefault(a => a.GetType().Name == "NameAttribute");

    private static bool Column(PropertyInfo property) => NameAttribute(property) is not null;

    private static string ColumnName(PropertyInfo property)
    {
        var attribute = NameAttribute(property)!;
        return ((string[])attribute.GetType().GetProperty("Names")!.GetValue(attribute)!)[0];
    }

    // the committed page in the checkout this file was compiled from, else the copy beside the tests (published runs)
    private static string Page(string name = "cli.md", [CallerFilePath] string source = "")
    {
        string inCheckout = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "..", "docs", name));
        return File.Exists(inCheckout) || Environment.GetEnvironmentVariable("GPUPRELU_WRITE_DOCS") == "1"
            ? inCheckout
            : Path.Combine(AppContext.BaseDirectory, "docs", name);
    }
}
