using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Training;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Training;

[Collection(DeviceGroup.Name)]
public sealed class AdamUpdateTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        const int n = 257, step = 3;
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var (theta, dTheta, m) = (NetworkCase.Normal(rng, n, 1.0), NetworkCase.Normal(rng, n, 1.0), NetworkCase.Normal(rng, n, 0.1));
        var v = NetworkCase.Normal(rng, n, 0.1).Select(x => x * x).ToArray();
        var adam = new AdamStep((float)lr, (float)beta1, (float)beta2, (float)eps, (float)(1 - Math.Pow(beta1, step)),
            (float)Math.Sqrt(1 - Math.Pow(beta2, step)));
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (thetaView, mView, vView) = (arrays.Upload(theta), arrays.Upload(m), arrays.Upload(v));
        dev.Kernels.Adam(adam, thetaView, arrays.Upload(dTheta), mView, vView);
        var expected = AdamUpdateReference.Run(lr, beta1, beta2, eps, step, NetworkCase.Wide(theta), NetworkCase.Wide(dTheta),
            NetworkCase.Wide(m), NetworkCase.Wide(v));
        Close.Assert(expected.M, DeviceArrays.Download(mView), what: $"m (seed {seed})");
        Close.Assert(expected.V, DeviceArrays.Download(vView), what: $"v (seed {seed})");
        Close.Assert(expected.Theta, DeviceArrays.Download(thetaView), what: $"theta (seed {seed})");
    }
}
