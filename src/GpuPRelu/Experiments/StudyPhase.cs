namespace GpuPRelu.Experiments;

/// <summary>One phase of a study pipeline (StudyPipeline): its name (the manifest's timing key), the files it writes
/// into the run's folder, and its work on the run's state (a synthetic StudyState, or a real-data run's). A phase writes
/// each of its outputs whole (CsvOutput, AtomicFile) as soon as it has them, and leaves its rows in the state for the
/// phases after it.</summary>
public sealed record StudyPhase<TState>(string Name, IReadOnlyList<string> Outputs, Action<TState> Run);
