using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/GpuPRelu.Bench -- --filter '*'   (BenchmarkDotNet's switcher: pick benchmarks)
BenchmarkSwitcher.FromAssembly(typeof(GpuPRelu.Bench.ProductBenchmark).Assembly).Run(args);
