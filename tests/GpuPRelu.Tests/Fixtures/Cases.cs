using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Theory rows shared by the network kernel tests: every device × outputs (binary, 3 classes) × bias × input
/// normalization. The exponents p ∈ {1, 1.5, 2, 3, 4} are the networks of each case's batch.</summary>
public static class Cases
{
    public static TheoryData<string, int, int, int> Network
    {
        get
        {
            var data = new TheoryData<string, int, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int outputs in new[] { 1, 3 })
                {
                    for (int bias = 0; bias <= 1; bias++)
                    {
                        for (int normalize = 0; normalize <= 1; normalize++)
                            data.Add((string)device.Data, outputs, bias, normalize);
                    }
                }
            }
            return data;
        }
    }
}
