namespace GpuPRelu.Devices;

/// <summary>The starts of one chunk of the distance ascent as a device moves them: every network's at once by launches
/// over the batch, or one network's on one core (KernelLaunchers.EachNetworkAscent). The ascent itself — which of these
/// runs when — is DistanceEstimate's, the same for both.</summary>
internal interface IAscentRows
{
    /// <summary>The starts still moving (the first Active rows; a stationary start leaves, its best final).</summary>
    int Active { get; }

    /// <summary>f and G on the active rows.</summary>
    void Logits();

    /// <summary>∇f and ∇G on the active rows (∂loss/∂f = 1).</summary>
    void InputGradients();

    /// <summary>SphereAscentStep on the active rows: best = max(best, |c·f − G|), then for step &gt; 0 the move along the
    /// normalized gradient and the projection back onto the sphere.</summary>
    void Step(float step);
}
