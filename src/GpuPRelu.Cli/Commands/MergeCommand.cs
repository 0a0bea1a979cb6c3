using System.CommandLine;
using GpuPRelu.Sweeps;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu merge --out DIR SHARD_DIR…`: folds the shard folders of one sweep into one sweep folder with its
/// CSVs, plots and report (equal to the unsharded sweep's, byte for byte); refuses foreign or missing shards.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var command = new Command("merge", "fold the shard folders of one sweep (gpuprelu sweep --shard i/N) into one sweep folder");
        var output = new Option<string>("--out") { Description = "the merged sweep folder (must be new or empty)", Required = true };
        var shards = new Argument<string[]>("shards") { Description = "the shard folders", Arity = ArgumentArity.OneOrMore };
        command.Options.Add(output);
        command.Arguments.Add(shards);
        command.SetAction(parse =>
        {
            // every shard checked before the folder exists; then its lock, as every verb's --out
            var merge = SweepMerge.Check(parse.GetValue(shards)!, parse.GetValue(output)!);
            var plan = SweepMerge.Write(merge, CommonOptions.HoldOut(parse.GetValue(output)!));
            Console.WriteLine($"merged {plan.Batches.Count} batches of plan {plan.ShortHash} into {Path.GetFullPath(parse.GetValue(output)!)} (summary.csv, report.md)");
            return 0;
        });
        return command;
    }
}
