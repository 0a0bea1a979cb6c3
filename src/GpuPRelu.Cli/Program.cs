using System.CommandLine;
using GpuPRelu.Cli;
using GpuPRelu.Cli.Commands;

var root = new RootCommand("gpuprelu: batches of two-layer polynomial-ReLU networks on ILGPU (Min & Vidal, ICML 2024)");
root.Options.Add(CommonOptions.Verbose);
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(StudyCommand.Create("fig2", "Fig. 2", "fig2", "quick"));
root.Subcommands.Add(StudyCommand.Create("fig5", "Fig. 5", "fig5", "fig5-quick"));
root.Subcommands.Add(AttackCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return Runner.Invoke(root, args);
