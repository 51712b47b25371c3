package io.slipway.cli.client;

import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A request body that reports how many bytes the HTTP client has taken from it so far, for the
 * upload progress. The count is handed to the listener on the client's threads, one call at a time.
 */
public final class CountingPublisher implements BodyPublisher {

  private final BodyPublisher delegate;
  private final LongConsumer listener;

  /**
   * @param delegate the body sent
   * @param listener takes the number of bytes taken so far
   */
  public CountingPublisher(BodyPublisher delegate, LongConsumer listener) {
    this.delegate = delegate;
    this.listener = listener;
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    delegate.subscribe(
        new Flow.Subscriber<>() {
          private long sent;

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            sent += item.remaining();
            listener.accept(sent);
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
  }
}
