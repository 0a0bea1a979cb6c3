namespace GpuPRelu.Experiments;

/// <summary>One phase of a study pipeline (StudyPipeline): its name (the manifest's timing key and the phase record's),
/// the files it writes into the run's folder, and its work on the run's state (a synthetic StudyState, or a real-data
/// run's). A phase writes each of its outputs whole (CsvOutput, AtomicFile) as soon as it has them, and leaves its rows
/// in the state for the phases after it. `Restore` reads those rows back from its outputs instead, when a resumed run
/// finds the phase finished (PhaseRecord); a phase without it runs again (training: from its last checkpoint).</summary>
public sealed record StudyPhase<TState>(string Name, IReadOnlyList<string> Outputs, Action<TState> Run)
{
    public Action<TState>? Restore { get; init; }
}
