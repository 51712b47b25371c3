package io.slipway.builder.pipeline;

import io.slipway.builder.BuildException;

/**
 * The release pipeline could not launch, run or restart a build for a reason outside the project
 * and the engines, such as its job repository failing. The message names the release.
 */
public class PipelineException extends BuildException {

  public PipelineException(String message) {
    super(message);
  }

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
