using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Network;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>The CUDA path: the three matrix products of a step (Z = U·W, dW = Uᵀ·g_z, dU = g_z·Wᵀ) and the stable
/// rank's Gram products AᵀA run as the tiled kernels (Tile: shared-memory slices, 8 × 8 register tiles per thread, epilogues fused), every other operation as
/// the simple kernel. The simple kernels stay the reference the tiled ones are tested against.</summary>
internal sealed class TiledLaunchers : KernelLaunchers
{
    private readonly Accelerator _accelerator;
    private readonly Lazy<Action<KernelConfig, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _forward;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _outputFromParts;
    private readonly Lazy<Action<KernelConfig, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>>> _weightBackward;
    private readonly Lazy<Action<KernelConfig, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>>> _inputBackward;
    private readonly Lazy<Action<KernelConfig, BatchShape, ArrayView<float>, ArrayView<float>>> _gram;
    private MemoryBuffer1D<float, Stride1D.Dense>? _fPart;

    public TiledLaunchers(Accelerator accelerator)
        : base(accelerator)
    {
        _accelerator = accelerator;
        _forward = new(() => accelerator.LoadStreamKernel<BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(PReluForward.KernelTiled));
        _outputFromParts = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>,
            ArrayView<float>>(OutputForward.KernelFromParts));
        _weightBackward = new(() => accelerator.LoadStreamKernel<BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.WeightBackward.KernelTiled));
        _inputBackward = new(() => accelerator.LoadStreamKernel<BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.InputBackward.KernelTiled));
        _gram = new(() => accelerator.LoadStreamKernel<BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Analysis.GramAccumulate.KernelTiled));
    }

    /// <summary>Tiles along a dimension of n.</summary>
    public static int Tiles(int n) => (n + Tile.Size - 1) / Tile.Size;

    // one group of 16 × 16 threads per 128 × 128 tile of C [rows, cols] of each network
    private static KernelConfig Config(int rows, int cols, int networks) =>
        new(new Index3D(Tiles(cols), Tiles(rows), networks), new Index3D(Tile.Side, Tile.Side, 1));

    public override void Forward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> q, DeviceView<float> z, DeviceView<float> a, DeviceView<float> f)
    {
        var parts = Parts((long)s.Networks * s.Samples * Tiles(s.Hidden) * s.Outputs);
        _forward.Value(Config(s.Samples, s.Hidden, s.Networks), s, u, theta, p, r, q, z, a, parts);
        _outputFromParts.Value(s.Networks * s.Samples * s.Outputs, s, parts, theta, f);
    }

    public override void WeightBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p,
        DeviceView<float> r, DeviceView<float> gz, DeviceView<float> t, DeviceView<float> dTheta) =>
        _weightBackward.Value(Config(s.Inputs, s.Hidden, s.Networks), s, u, theta, p, r, gz, t, dTheta);

    public override void InputBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p,
        DeviceView<float> q, DeviceView<float> gz, DeviceView<float> t, DeviceView<float> du) =>
        _inputBackward.Value(Config(s.Samples, s.Inputs, s.Networks), s, u, theta, p, q, gz, t, du);

    public override void GramAccumulate(BatchShape s, DeviceView<float> a, DeviceView<float> g) =>
        _gram.Value(Config(s.Hidden, s.Hidden, s.Networks), s, a, g);

    // the forward's per-tile output shares, kept between launches and grown when a larger shape comes
    private ArrayView<float> Parts(long length)
    {
        if (_fPart is null || _fPart.Length < length)
        {
            _accelerator.Synchronize();
            _fPart?.Dispose();
            _fPart = _accelerator.Allocate1D<float>(length);
        }
        return _fPart.View.SubView(0, length);
    }
}
