using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class ApgdL1CheckpointTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 10, 8, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs, rows = s.Networks * s.Samples;
        var u0 = NetworkCase.Normal(rng, cells, 1.0);
        // best points differing from the clean ones in a random number of coordinates; previous sparsities 0..8
        var uBest = u0.Select(x => rng.Next(2) == 0 ? x : x + 0.1f).ToArray();
        var (u, du, duBest) = (NetworkCase.Normal(rng, cells, 1.0), NetworkCase.Normal(rng, cells, 1.0), NetworkCase.Normal(rng, cells, 1.0));
        var state = new float[rows * ApgdState.Width];
        for (int r = 0; r < rows; r++)
        {
            state[r * ApgdState.Width + ApgdState.Eta] = (float)(0.01 + rng.NextDouble());
            state[r * ApgdState.Width + ApgdState.SparsityOld] = rng.Next(0, 9);
        }
        var radius = Enumerable.Range(0, s.Samples).Select(m => 0.1f + 0.1f * m).ToArray();
        var broken = Enumerable.Range(0, rows).Select(_ => rng.Next(5) == 0 ? 1 : 0).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (uView, duView, stateView) = (arrays.Upload(u), arrays.Upload(du), arrays.Upload(state));
        dev.AttackKernels.ApgdL1Checkpoint(s, arrays.Upload(u0), uView, duView, arrays.Upload(uBest), arrays.Upload(duBest), stateView,
            arrays.Upload(radius), arrays.Upload(broken));
        var (eu, edu, es) = ApgdL1CheckpointReference.Run(s, NetworkCase.Wide(u0), NetworkCase.Wide(u), NetworkCase.Wide(du),
            NetworkCase.Wide(uBest), NetworkCase.Wide(duBest), NetworkCase.Wide(state), NetworkCase.Wide(radius), broken);
        Close.Assert(eu, DeviceArrays.Download(uView), what: $"u (seed {seed})");
        Close.Assert(edu, DeviceArrays.Download(duView), what: $"g (seed {seed})");
        Close.Assert(es, DeviceArrays.Download(stateView), what: $"state (seed {seed})");
    }
}
