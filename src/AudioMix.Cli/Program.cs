using AudioMix.Cli;

return await AudioMixCommand.RunAsync(args);
