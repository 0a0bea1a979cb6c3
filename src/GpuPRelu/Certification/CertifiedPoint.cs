namespace GpuPRelu.Certification;

/// <summary>One point's certified radius and how it was proven ("crown", "branch-and-bound", "misclassified").</summary>
public readonly record struct CertifiedPoint(double Radius, string Method);
