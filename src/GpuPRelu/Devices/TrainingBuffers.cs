namespace GpuPRelu.Devices;

/// <summary>What a run of optimizer steps reads and writes on the device (KernelLaunchers.EachNetworkTraining): the data sets X
/// [S, N, D] and labels [S, N], the set of each network [B], the epoch's row order [S, N], the centers [B, D], θ and p
/// [B], the workspace's per-row buffers (G_z overwrites Z), each with room for `Rows` rows per network ([B, Rows, ·]),
/// and Adam's moments M, V (θ's layout; null for SGD).</summary>
internal sealed record TrainingBuffers(
    DeviceView<float> X, DeviceView<int> Y, DeviceView<int> SetOf, DeviceView<int> Order, DeviceView<float> Center,
    DeviceView<float> Theta, DeviceView<float> P, int Rows, DeviceView<float> U, DeviceView<int> Ym, DeviceView<float> Q,
    DeviceView<float> Z, DeviceView<float> A, DeviceView<float> F, DeviceView<float> G,
    DeviceView<float> Loss, DeviceView<float> Correct, DeviceView<float> R, DeviceView<float> DTheta, DeviceView<float>? M,
    DeviceView<float>? V);

/// <summary>Which steps a run of training steps takes: `Steps` steps from row `Offset` of the order, `StepRows` rows each (the last one
/// shorter where the set's `RowsPerSet` rows run out), the loss (LossKind as an int) scaled by 1/rows, learning rate Lr;
/// SGD, or Adam with the first step numbered FirstStep (its bias corrections).</summary>
internal readonly record struct StepSchedule(int RowsPerSet, int Offset, int Steps, int StepRows, int Loss, float Lr, long FirstStep,
    bool Adam);
