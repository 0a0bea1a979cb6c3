namespace GpuPRelu.Analysis;

/// <summary>Mean loss and accuracy of each network of a batch on one data set, and optionally every logit
/// [B, N, C] (row-major: network, sample, output).</summary>
public sealed record Evaluation(int Samples, int Outputs, double[] Loss, double[] Accuracy, float[]? Logits)
{
    /// <summary>f_c(x_n) of network b (requires the logits to have been kept).</summary>
    public float Logit(int b, int n, int c) =>
        (Logits ?? throw new InvalidOperationException("the logits were not kept; evaluate with keepLogits"))[((long)b * Samples + n) * Outputs + c];
}
