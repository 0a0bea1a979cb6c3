namespace GpuPRelu.Devices;

/// <summary>What a run of SGD steps reads and writes on the device (KernelLaunchers.SgdSteps): the data sets X [S, N, D]
/// and labels [S, N], the set of each network [B], the epoch's row order [S, N], the centers [B, D], θ and p [B], and the
/// workspace's per-row buffers (G_z overwrites Z), each with room for `Rows` rows per network ([B, Rows, ·]).</summary>
internal sealed record TrainingBuffers(
    DeviceView<float> X, DeviceView<int> Y, DeviceView<int> SetOf, DeviceView<int> Order, DeviceView<float> Center,
    DeviceView<float> Theta, DeviceView<float> P, int Rows, DeviceView<float> U, DeviceView<int> Ym, DeviceView<float> Q,
    DeviceView<float> Z, DeviceView<float> A, DeviceView<float> F, DeviceView<float> G,
    DeviceView<float> Loss, DeviceView<float> Correct, DeviceView<float> R, DeviceView<float> DTheta);

/// <summary>Which SGD steps SgdSteps runs: `Steps` steps from row `Offset` of the order, `StepRows` rows each (the last one
/// shorter where the set's `RowsPerSet` rows run out), the loss (LossKind as an int) scaled by 1/rows, learning rate Lr.</summary>
internal readonly record struct SgdSchedule(int RowsPerSet, int Offset, int Steps, int StepRows, int Loss, float Lr);
