using System.Globalization;
using CsvHelper;
using GpuPRelu.Analysis;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu evaluate`: imported networks → data → loss and accuracy (and logits) on the device →
/// evaluation.csv, logits.csv (optional) and manifest.json in the output folder.</summary>
public static class EvaluateExperiment
{
    /// <summary>Reads the networks and the data of a validated config and checks that they fit each other (the CLI does
    /// this before the output folder exists). A network file whose shapes do not fit the data throws
    /// InvalidDataException naming the file and both sizes.</summary>
    public static (ImportedNetworks Networks, DataSet Data) Load(EvaluateConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var networks = ImportedNetworks.Read(config.Network, config.P, config.NormalizeInput);
        var data = config.Data.Load(networks.Shape.Inputs, networks.Shape.Outputs);
        networks.CheckFits(data, config.Data.Describe());
        return (networks, data);
    }

    /// <summary>Runs a validated config in `context` (its folder must exist), on `inputs` when the caller has loaded them
    /// (Load), else loading them first; returns the rows of evaluation.csv. The token is polled before every chunk of rows
    /// (the manifest then says "cancelled").</summary>
    public static IReadOnlyList<EvaluationRow> Run(EvaluateConfig config, RunContext context,
        (ImportedNetworks Networks, DataSet Data)? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var (device, outDir) = (context.Device, context.OutDir);
        return ExperimentRun.Execute("evaluate", config, context, run =>
        {
            var (networks, data) = inputs ?? Load(config);
            run.EndPhase("data");

            using var batch = networks.ToBatch(device);
            var result = NetworkEvaluator.Evaluate(batch, data, keepLogits: config.Logits, cancel: run.Cancel);
            run.EndPhase("evaluate");

            string source = config.Data.Describe();
            var rows = Enumerable.Range(0, networks.Shape.Networks)
                .Select(b => networks.IsFinite(b)
                    ? new EvaluationRow(b, networks.P[b], source, data.Samples, result.Loss[b], result.Accuracy[b])
                    : new EvaluationRow(b, networks.P[b], source, data.Samples, double.NaN, double.NaN)).ToList();
            CsvOutput.Write(run.PathOf("evaluation.csv"), rows);
            if (config.Logits)
                WriteLogits(run.PathOf("logits.csv"), result, data);
            run.Results["min_accuracy"] = rows.Where(r => !double.IsNaN(r.Accuracy)).Select(r => r.Accuracy).DefaultIfEmpty(double.NaN).Min();
            run.Results["non_finite_networks"] = rows.Count(r => double.IsNaN(r.Accuracy));
            run.EndPhase("write");
            return rows;
        });
    }

    /// <summary>logits.csv: network, sample, label, logit_0 … logit_{C−1}; one row per network per sample.</summary>
    static void WriteLogits(string path, Evaluation result, DataSet data) =>
        AtomicFile.Write(path, s =>
        {
            using var writer = new StreamWriter(s, leaveOpen: true) { NewLine = "\n" };
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteField("network");
            csv.WriteField("sample");
            csv.WriteField("label");
            for (int c = 0; c < result.Outputs; c++)
                csv.WriteField($"logit_{c}");
            csv.NextRecord();
            int networks = result.Logits!.Length / Math.Max(1, result.Samples * result.Outputs);
            for (int b = 0; b < networks; b++)
            {
                for (int n = 0; n < result.Samples; n++)
                {
                    csv.WriteField(b);
                    csv.WriteField(n);
                    csv.WriteField(data.Y[n]);
                    for (int c = 0; c < result.Outputs; c++)
                        csv.WriteField(result.Logit(b, n, c));
                    csv.NextRecord();
                }
            }
        });
}
