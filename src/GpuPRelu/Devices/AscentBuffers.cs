namespace GpuPRelu.Devices;

/// <summary>One network batch's side of the distance ascent (KernelLaunchers.AscentSteps): its θ, p, column norms R and
/// centers, and its workspace buffers (inputs U, input norms Q, Z, A, G_z, T, outputs F) and input gradient DU, with the
/// rows of network b at b·m (m the chunk's starts).</summary>
internal sealed record AscentSide(
    DeviceView<float> Theta, DeviceView<float> P, DeviceView<float> R, DeviceView<float> U, DeviceView<float> Q,
    DeviceView<float> Z, DeviceView<float> A, DeviceView<float> Gz, DeviceView<float> T, DeviceView<float> F,
    DeviceView<float> DU);
