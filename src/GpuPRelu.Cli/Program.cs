using GpuPRelu.Cli;

return Runner.Invoke(Verbs.Root(), args);
