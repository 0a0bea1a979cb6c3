using System.CommandLine;
using GpuPRelu.Cli;
using GpuPRelu.Cli.Commands;

var root = new RootCommand("gpuprelu: batches of two-layer polynomial-ReLU networks on ILGPU (Min & Vidal, ICML 2024)");
root.Options.Add(CommonOptions.Verbose);
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(StudyCommand.Create("fig2", "Fig. 2", [
    ("paper", "fig2", "the paper's configuration"),
    ("quick", "quick", "minutes on 2 CPU cores"),
    ("scaled", "fig2-scaled", "issue 6's scaled fig2, timed against bench/reference/fig2_reference.py")]));
root.Subcommands.Add(StudyCommand.Create("fig5", "Fig. 5", [
    ("paper", "fig5", "the paper's configuration"),
    ("quick", "fig5-quick", "minutes on 2 CPU cores")]));
root.Subcommands.Add(RealCommand.Mnist());
root.Subcommands.Add(RealCommand.Probe());
root.Subcommands.Add(AttackCommand.Create());
root.Subcommands.Add(CertifyCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(MergeCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return Runner.Invoke(root, args);
