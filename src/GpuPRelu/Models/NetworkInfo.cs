namespace GpuPRelu.Models;

/// <summary>What distinguishes one network of a batch: its pReLU degree p, the α of its data, its seed, and the data
/// set it trains on (networks with equal α and seed share one).</summary>
public sealed record NetworkInfo(int Index, double P, double Alpha, int Seed, int DataSet);
