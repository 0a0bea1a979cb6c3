using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Analysis;

/// <summary>Evaluates every network of a batch on one data set on the device, in chunks of rows: the same gather,
/// forward and loss kernels as training (docs/design.md §1), so imported networks are scored exactly as trained ones.</summary>
public static class NetworkEvaluator
{
    /// <summary>Loss, accuracy and (with keepLogits) the logits of every network on all rows of `data`. The loss is
    /// `loss`, or by default the exponential loss for one output (labels 1 / 0 as y = ±1) and cross-entropy for C ≥ 2.
    /// Throws ArgumentException, naming both sizes, when the data's features differ from D or a label does not fit C.
    /// `cancel` is polled before every chunk.</summary>
    public static Evaluation Evaluate(NetworkBatch net, DataSet data, bool keepLogits = false, LossKind? loss = null, int chunkRows = 2048,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        var s = net.Shape;
        int B = s.Networks, C = s.Outputs, N = data.Samples;
        CheckFits(s, data);
        var kind = loss ?? DefaultLoss(C);
        if ((kind == LossKind.CrossEntropy) != (C >= 2))
            throw new ArgumentException($"loss {kind} does not fit networks with {C} output(s): cross-entropy needs C ≥ 2, exp and logistic C = 1", nameof(loss));

        using var device = new DeviceData(net.Device, [data], new int[B]);
        using var ws = new Workspace(net, Math.Min(chunkRows, Math.Max(N, 1)));
        ws.ColumnNorms();
        var lossSum = new double[B];
        var correct = new double[B];
        float[]? logits = keepLogits ? new float[(long)B * N * C] : null;
        for (int offset = 0; offset < N; offset += ws.Rows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(ws.Rows, N - offset);
            var shape = ws.Forward(device, device.Identity.View, offset, rows, kind, 1f);
            var sums = ws.RowSums(shape);
            for (int b = 0; b < B; b++)
            {
                lossSum[b] += sums[2 * b];
                correct[b] += sums[2 * b + 1];
            }
            if (logits is not null)
            {
                // the chunk's f is [B, rows, C]; network b's rows go to [b, offset .. offset + rows) of the result
                var f = new float[(long)B * rows * C];
                ws.F.Slice(0, f.Length).CopyToHost(f);
                for (int b = 0; b < B; b++)
                    Array.Copy(f, (long)b * rows * C, logits, ((long)b * N + offset) * C, (long)rows * C);
            }
        }
        return new Evaluation(N, C, [.. lossSum.Select(x => x / N)], [.. correct.Select(x => x / N)], logits);
    }

    /// <summary>Exponential loss for one output, cross-entropy for more.</summary>
    internal static LossKind DefaultLoss(int outputs) => outputs == 1 ? LossKind.Exp : LossKind.CrossEntropy;

    /// <summary>Throws ArgumentException naming both sizes when `data` has other than D features or labels beyond the outputs.</summary>
    internal static void CheckFits(BatchShape s, DataSet data)
    {
        if (data.Inputs != s.Inputs)
            throw new ArgumentException($"the data has {data.Inputs} features per sample; the networks expect {s.Inputs} inputs", nameof(data));
        int labels = s.Outputs == 1 ? 2 : s.Outputs, maxLabel = data.Samples > 0 ? data.Y.Max() : 0;
        if (maxLabel >= labels || (data.Samples > 0 && data.Y.Min() < 0))
            throw new ArgumentException($"the data has labels up to {maxLabel}; networks with {s.Outputs} output(s) take labels 0..{labels - 1}", nameof(data));
    }
}
